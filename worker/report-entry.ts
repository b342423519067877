// Entry of dist/vitrine-report.js: registers reporting for the engine to find once it has work.
import { registerChunk } from '../src/protocol/chunks';
import { reportModule, type ReportModule } from './report/index';

registerChunk('report', reportModule satisfies ReportModule);
