# Thin wrappers around the go tool. Plain `go test ./...` works too.
GO ?= go

.PHONY: run build test fmt vet staticcheck race fuzz bench check

# Run the server with its built-in defaults (port 6379, loopback only).
run:
	$(GO) run ./cmd/vesta-server

build:
	$(GO) build -o bin/ ./cmd/...

# The whole test suite, as CI runs it: formatting, vet, staticcheck, every
# test with the race detector, then each fuzz target for a few seconds.
test: vet staticcheck
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) test -race -count=1 -timeout 20m ./...
	# The extreme-argument family again, against a server built with the
	# race detector.
	VESTA_TEST_RACE=1 $(GO) test -count=1 -timeout 10m -run TestExtremeArguments ./test/compat
	$(MAKE) fuzz FUZZTIME=3s

vet:
	$(GO) vet ./...

# staticcheck at a pinned version, fetched through the module proxy by
# `go run` (nothing to install first); its checks are in staticcheck.conf.
STATICCHECK_VERSION ?= v0.8.2
staticcheck:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

# Each fuzz target for a while (FUZZTIME=10s by default; longer locally,
# e.g. make fuzz FUZZTIME=5m).
FUZZTIME ?= 10s
fuzz:
	@GO=$(GO) FUZZTIME=$(FUZZTIME) bash tools/fuzz/run.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/...

check: test fuzz
