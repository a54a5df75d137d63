// The node's upload and failure report are core's wire shapes (node-protocol-wire.ts), shared with the contract.
export { captureUploadSchema, type FailureReport, failureReportSchema } from '@sward/core';
