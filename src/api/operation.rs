//! What the rows of `table.rs` turn into: the [`Operation`] enum, its description, and the
//! default way to run it (validate, encode, send, check the answer's shape).

use serde::Serialize;

use crate::model::describe::Field;

/// The HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
}

/// The JSON shape an operation returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResultKind {
    /// A JSON object.
    Object,
    /// A JSON array.
    Array,
    /// The API answers 204 No Content; the call returns `{}`.
    Empty,
    /// A JSON string.
    String,
}

/// One row of the table, as `ps_operations()` publishes it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Description {
    pub name: &'static str,
    pub method: Method,
    pub path: &'static str,
    pub safe_to_retry: bool,
    pub params: Vec<Field>,
    pub result: ResultKind,
}

/// Declares every operation. See `table.rs` for the rows and their grammar.
macro_rules! operations {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $name:literal : $method:ident $path:literal, $retry:ident, $params:ty
            => $kind:ident $(<$shape:ty>)? $(via $custom:ident)?;
    )*) => {
        /// Every operation of the API, named as in the C ABI (`ps_<name>`, `ps_call`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Operation {
            $( $(#[$doc])* $variant, )*
        }

        impl Operation {
            /// Every operation, in table order.
            pub const ALL: &'static [Operation] = &[$(Operation::$variant),*];

            /// `templates_list`, `machines_create`, ... (also the `operation` of error JSON).
            pub fn name(self) -> &'static str {
                match self { $(Operation::$variant => $name,)* }
            }

            /// The operation called `name`, if there is one.
            pub fn from_name(name: &str) -> Option<Operation> {
                match name { $($name => Some(Operation::$variant),)* _ => None }
            }

            pub fn method(self) -> $crate::api::Method {
                match self { $(Operation::$variant => operations!(@method $method),)* }
            }

            /// The path template; `{key}` is the parameter `key`, percent-encoded.
            pub fn path(self) -> &'static str {
                match self { $(Operation::$variant => $path,)* }
            }

            /// Whether a failed attempt may be repeated once the request may have been received.
            pub fn safe_to_retry(self) -> bool {
                match self { $(Operation::$variant => operations!(@safe $retry),)* }
            }

            pub fn result_kind(self) -> $crate::api::ResultKind {
                match self { $(Operation::$variant => operations!(@kind $kind),)* }
            }

            /// The parameters, read from the parameter type itself.
            pub fn params(self) -> Vec<$crate::model::describe::Field> {
                match self {
                    $(Operation::$variant => $crate::model::describe::fields::<$params>(),)*
                }
            }

            /// Runs the operation with JSON parameters; the result is JSON text.
            pub(crate) fn run(
                self,
                client: &$crate::Client,
                params: &str,
                call: &$crate::api::call::Call<'_>,
            ) -> $crate::Result<String> {
                use $crate::model::Params as _;
                match self {
                    $(Operation::$variant => {
                        let params = <$params>::from_json(params)?;
                        operations!(@run self, client, &params, call $(, $custom)?)
                    })*
                }
            }

            /// Checks a 2xx body against the operation's result shape; the text to return.
            pub(crate) fn finish(self, body: String) -> $crate::Result<String> {
                match self {
                    $(Operation::$variant => operations!(@finish body, $kind $(<$shape>)?),)*
                }
            }
        }
    };
    (@method GET) => { $crate::api::Method::Get };
    (@method POST) => { $crate::api::Method::Post };
    (@safe Safe) => { true };
    (@safe Unsafe) => { false };
    (@kind object) => { $crate::api::ResultKind::Object };
    (@kind array) => { $crate::api::ResultKind::Array };
    (@kind empty) => { $crate::api::ResultKind::Empty };
    (@kind string) => { $crate::api::ResultKind::String };
    (@run $op:expr, $client:expr, $params:expr, $call:expr, $custom:ident) => {
        $client.$custom($params, $call)
    };
    (@run $op:expr, $client:expr, $params:expr, $call:expr) => {
        $client.request($op, $params, $call).and_then(|body| $op.finish(body))
    };
    (@finish $body:expr, object<$shape:ty>) => { $crate::api::checked::<$shape>($body) };
    (@finish $body:expr, array<$shape:ty>) => { $crate::api::checked::<Vec<$shape>>($body) };
    (@finish $body:expr, string) => { $crate::api::checked::<$crate::model::AnyString>($body) };
    (@finish $body:expr, empty) => {{
        drop($body);
        Ok($crate::api::EMPTY_RESULT.to_string())
    }};
}
