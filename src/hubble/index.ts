export type { HubbleEvent, LostEventSource } from "./event.js";
export { decodeResponse, eventFromMessage, responseFromJson } from "./proto/index.js";
export type { JsonConversion, JsonProblem } from "./proto/index.js";
export { FlowFileError, readFlowFile } from "./files/index.js";
export type { FileIdentity, FileProblem, FileReadStats, FileRecord, FileStart, FlowFileReader, RecordPosition } from "./files/index.js";
export { eventBatches } from "./file-events.js";
export type { EventBatchOptions, RecordProblem } from "./file-events.js";
