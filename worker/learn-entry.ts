// Entry of dist/vitrine-learn.js: registers the learn chunk for the engine to find.
import { registerChunk } from '../src/protocol/chunks';
import { learnModule, type LearnModule } from './learn/index';

registerChunk('learn', learnModule satisfies LearnModule);
