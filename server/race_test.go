//go:build race

package server

// raceDetector is true in a build with the race detector, whose slowdown
// makes a load test measure the detector.
const raceDetector = true
