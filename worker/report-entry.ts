// Entry of dist/vitrine-report.js: registers the report chunk for the engine to find.
import { registerChunk } from '../src/protocol/chunks';
import { reportModule, type ReportModule } from './report/index';

registerChunk('report', reportModule satisfies ReportModule);
