// Package redistest runs a real redis-server for tests that compare Vesta's
// compact encodings with the bytes Redis produces, and reads and writes the
// fixture files those tests keep in testdata.
//
// It is test support only. The server is started on a free loopback port
// with a scratch directory and is killed when the test ends; tests that need
// it run only when asked (an -update flag), so the normal test run needs no
// redis-server and uses the recorded fixtures instead.
package redistest
