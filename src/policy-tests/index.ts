/**
 * Policy tests: connectivity matrices (YAML or Markdown tables) decided by the policy model,
 * optionally checked against observed traffic, rendered as a table, JSON, JUnit XML or TAP;
 * and matrices generated from observed traffic. Pure: no I/O, no clock.
 */
export type { CaseField, MatrixCase, MatrixEndpoint, MatrixEntity, MatrixLocation, MatrixPort, MatrixProblem, MatrixProtocol, ParsedMatrix } from "./matrix.js";
export { MATRIX_ENTITIES, MAX_CASES, formatMatrixProblem } from "./matrix.js";
export { parseMatrixEndpoint } from "./parse-endpoint.js";
export type { EndpointParse } from "./parse-endpoint.js";
export { parseYamlMatrix } from "./parse-yaml-matrix.js";
export { parseMarkdownMatrix } from "./parse-markdown-matrix.js";
export type { EndpointDirectory, EndpointResolution } from "./resolve-endpoint.js";
export { resolveMatrixEndpoint } from "./resolve-endpoint.js";
export type { CaseHistory, CaseResult, MatrixReport } from "./case-result.js";
export { hasFailures } from "./case-result.js";
export type { RunMatrixInput, RunMatrixResult } from "./run-matrix.js";
export { runMatrix } from "./run-matrix.js";
export type { DiffMatrixInput, DiffMatrixResult } from "./diff-matrix.js";
export { diffOverMatrix } from "./diff-matrix.js";
export { decidingRule } from "./deciding-rule.js";
export { matrixToTable } from "./render-table.js";
export { matrixToJson, matrixToJsonValue } from "./render-json.js";
export { matrixToJunit, xmlEscaped } from "./render-junit.js";
export { matrixToTap } from "./render-tap.js";
export type { GenerateOptions, GeneratedCase } from "./generate-matrix.js";
export { DEFAULT_MAX_DENY_PROBES, generateMatrix, matrixName } from "./generate-matrix.js";
export { matrixToYaml } from "./matrix-yaml.js";
