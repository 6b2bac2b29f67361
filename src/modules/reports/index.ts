// Reports: the admin reports (routes.ts), and the rollups they read, kept exact by the database
// (src/db/migrations/023_report_rollups.sql) and folded together by a job.
export { compactRollups, freezeSalesKeys, rollupDrift, type RollupDrift } from './rollups.ts';
