package engine

// Function libraries are part of the dataset: every snapshot (dump.rdb,
// an AOF base of either form, the image sent to a replica) saves their
// sources before the keys, and every load gives them back to the server
// before the keys (Redis loads them in the same place).

// Functions is the server's store of function libraries (under mu).
type Functions interface {
	// FunctionCodes returns the libraries' sources.
	FunctionCodes() []string
	// LoadFunction loads a library from its source; replace lets it take
	// the place of a library of the same name.
	LoadFunction(code string, replace bool) error
	// FlushFunctions deletes every library.
	FlushFunctions()
}

func (e *Engine) functionCodes() []string {
	if e.o.Functions == nil {
		return nil
	}
	return e.o.Functions.FunctionCodes()
}

// functionLoader is the persist.LoadOptions.Function of a load; nil (files
// with libraries refused) when the server keeps none.
func (e *Engine) functionLoader(replace bool) func(code string) error {
	if e.o.Functions == nil {
		return nil
	}
	return func(code string) error { return e.o.Functions.LoadFunction(code, replace) }
}

func (e *Engine) flushFunctions() {
	if e.o.Functions != nil {
		e.o.Functions.FlushFunctions()
	}
}
