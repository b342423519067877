// Entry of dist/vitrine-decide.js: registers the decide chunk for the engine to find.
import { registerChunk } from '../src/protocol/chunks';
import { decideModule, type DecideModule } from './decide/index';

registerChunk('decide', decideModule satisfies DecideModule);
