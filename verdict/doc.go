// Package verdict is the typed model of what an agreement's policy decides:
// the verdict of an agreement (SPEC §4, docs/verdict.schema.json), decoded
// once from the policy's answer and read by the evaluator, the outputs of
// entente check, the server and its metrics.
//
// The model writes a verdict as the policy gave it, byte for byte:
//
//   - Figures the policy computed are Numbers, kept as the policy wrote
//     them: OPA computes with more digits than a float64 holds
//     (99.6896551724137931), and writes large counts as 1e+06.
//   - Members are declared in the alphabetical order of their JSON names
//     wherever the policy (or the evaluator) builds the object: verdicts
//     have always been written with sorted keys, and the documents people
//     diff and the golden files keep them so.
//   - A member the schema makes optional (the kind and unit of an SLO, the
//     claim of a credit, every member of a block the policy gave no result
//     for) stays absent when the policy left it out, and null stays null.
//     SLO, Responsibility and Credit remember which members their JSON
//     lacked for that.
package verdict
