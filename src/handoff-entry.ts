// Entry of dist/vitrine-handoff.js: registers the handoff chunk, loaded the first time a page
// makes a cart handoff link or is opened with one.
import { registerChunk } from './protocol/chunks';
import { handoffModule } from './handoff/module';

registerChunk('handoff', handoffModule);
