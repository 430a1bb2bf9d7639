/** The `kind` of a react beacon: how a beacon endpoint tells it from a plain AuditReport. */
export const REACT_BEACON_KIND = 'perf-react-beacon';
