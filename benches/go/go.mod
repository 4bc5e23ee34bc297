module paperspace/benches/go

go 1.24

require github.com/paperspace-client/paperspace/bindings/go v0.0.0

replace github.com/paperspace-client/paperspace/bindings/go => ../../bindings/go
