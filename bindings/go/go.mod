module github.com/paperspace-client/paperspace/bindings/go

go 1.24
