// Entry of dist/vitrine-stand-in.js: registers the page's stand-in for an engine that could not
// start, and the check of the engine's file that says why, loaded from beside vitrine.js only then.
import { registerChunk } from './protocol/chunks';
import { engineFileProblem } from './engine-file';
import { standInEngine, type StandInModule } from './stand-in-engine';

registerChunk('stand-in', { standInEngine, engineFileProblem } satisfies StandInModule);
