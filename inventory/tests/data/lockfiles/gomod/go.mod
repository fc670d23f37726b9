module example.com/app

go 1.22

toolchain go1.22.1

require (
	github.com/gin-gonic/gin v1.9.1
	golang.org/x/text v0.14.0 // indirect
	example.com/forked v1.0.0
	example.com/local v0.0.0-00010101000000-000000000000
)

require github.com/pkg/errors v0.9.1

replace example.com/forked => github.com/someone/forked v1.0.1

replace (
	example.com/local => ../local
)

exclude golang.org/x/net v0.1.0
