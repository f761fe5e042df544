// `@vobiz-webhooks/core/node`: the bridge every Node framework adapter shares.
export { nodeRawBody, nodeReceiveRequest, pathnameOf, sendNodeResult, type ParsedLeftovers } from './http';
