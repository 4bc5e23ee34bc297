//! Generates include/paperspace.h from the C ABI with cbindgen. The header is committed; it is
//! rewritten only when its content changes, and `make check-header` fails when the committed
//! copy differs from what the sources produce.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    for path in ["src/ffi", "src/error.rs", "cbindgen.toml", "build.rs"] {
        println!("cargo:rerun-if-changed={path}");
    }
    soname();
    let crate_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is valid");
    let version =
        |part: &str| env::var(format!("CARGO_PKG_VERSION_{part}")).expect("cargo sets the version");
    config.after_includes = Some(format!(
        "\n#define PS_VERSION \"{}\"\n#define PS_VERSION_MAJOR {}\n#define PS_VERSION_MINOR {}\n#define PS_VERSION_PATCH {}\n",
        env::var("CARGO_PKG_VERSION").expect("cargo sets the version"),
        version("MAJOR"),
        version("MINOR"),
        version("PATCH"),
    ));
    let bindings = match cbindgen::generate_with_config(&crate_dir, config) {
        Ok(bindings) => bindings,
        Err(error) => {
            // A broken source tree is reported by rustc with better messages.
            println!("cargo:warning=cbindgen could not generate the header: {error}");
            return;
        }
    };
    let mut header = Vec::new();
    bindings.write(&mut header);
    let out = crate_dir.join("include").join("paperspace.h");
    if fs::read(&out).ok().as_deref() != Some(header.as_slice()) {
        let written = fs::create_dir_all(out.parent().expect("has a parent"))
            .and_then(|()| fs::write(&out, &header));
        if let Err(error) = written {
            println!("cargo:warning=could not write {}: {error}", out.display());
        }
    }
}

/// Gives the shared library an ELF SONAME that names its ABI compatibility: while the version is
/// 0.x a minor release may break the ABI (`libpaperspace.so.0.1`), from 1.0 only a major one
/// (`libpaperspace.so.1`). Programs record this name, so an incompatible library is refused by
/// the loader instead of failing later. Mach-O and PE have no SONAME.
fn soname() {
    let cfg = |name: &str| env::var(format!("CARGO_CFG_TARGET_{name}")).unwrap_or_default();
    if cfg("VENDOR") == "apple" || cfg("OS") == "windows" {
        return;
    }
    let part =
        |name: &str| env::var(format!("CARGO_PKG_VERSION_{name}")).expect("cargo sets the version");
    let (major, minor) = (part("MAJOR"), part("MINOR"));
    let abi = if major == "0" {
        format!("0.{minor}")
    } else {
        major
    };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpaperspace.so.{abi}");
}
