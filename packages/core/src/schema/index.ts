export * from './budgetResult.js';
export * from './common.js';
export * from './finding.js';
export * from './metric.js';
export * from './parseReport.js';
export * from './report.js';
