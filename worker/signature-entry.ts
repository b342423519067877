// Entry of dist/vitrine-signature.js: registers the signature chunk for the engine to find.
import { registerChunk } from '../src/protocol/chunks';
import { openSigned, type SignatureModule } from './signature/index';

registerChunk('signature', { openSigned } satisfies SignatureModule);
