// Entry of dist/vitrine-render.js: registers the render chunk, loaded at the first v.render().
import { registerChunk } from './protocol/chunks';
import { renderSlot, type RenderModule } from './render';

registerChunk('render', { renderSlot } satisfies RenderModule);
