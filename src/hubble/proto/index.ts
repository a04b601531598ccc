export { decodeResponse, eventFromMessage } from "./decode.js";
export { enumNames } from "./enum-names.js";
export type { EnumNames } from "./enum-names.js";
export { responseFromJson } from "./json-to-message.js";
export type { JsonConversion, JsonProblem } from "./json-to-message.js";
export { hubbleRoot, messageType, protoDir, PROTO_FILES } from "./proto-root.js";
export { parseTimestamp } from "./timestamp-text.js";
export { eventProblem } from "./event-check.js";
export type { EventProblem } from "./event-check.js";
