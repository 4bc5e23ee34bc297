module paperspace/tests/hardening/gosoak

go 1.24

require paperspace/bindings/go v0.0.0

replace paperspace/bindings/go => ../../../bindings/go
