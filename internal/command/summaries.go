package command

// summaries are Vesta's one-line descriptions of its commands, reported by
// COMMAND DOCS. Written for Vesta; keep them short.
var summaries = map[string]string{}
