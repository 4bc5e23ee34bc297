module paperspace/bindings/go

go 1.24
