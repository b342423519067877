// Entry of dist/vitrine-qr.js: registers the QR chunk, loaded the first time a page asks for a handoff link's QR code.
import { registerChunk } from './protocol/chunks';
import { qrCode, type QrModule } from './handoff/qr';

registerChunk('qr', { qrCode } satisfies QrModule);
