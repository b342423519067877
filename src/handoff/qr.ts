import { generate } from 'lean-qr/nano';

/*
 * A QR code for a handoff link, as SVG (the qr chunk, dist/vitrine-qr.js, loaded only when a
 * page asks for one). The encoder is lean-qr's smallest build; it picks the smallest version
 * (size) of code that holds the link. The SVG is built node by node: one path for the dark
 * modules, on a light square with the quiet zone QR readers need.
 */

const SVG = 'http://www.w3.org/2000/svg';
/** The quiet zone around a code, in modules (the standard's minimum). */
const QUIET = 4;

/** What the QR chunk (dist/vitrine-qr.js) gives the SDK. */
export interface QrModule {
  qrCode: typeof qrCode;
}

/** What {@link qrCode} made. */
export interface QrCode {
  svg: SVGSVGElement;
  /** The code's version, 1 to 40: its size is 17 + 4 × version modules. */
  version: number;
}

/**
 * @param doc the page's document
 * @param text what the code holds (a handoff link)
 * @param label its accessible name ("QR code of the link to your cart")
 * @returns the code, as an SVG that scales to its box (style it with `.vitrine-qr`)
 * @throws Error when the text is too long for a QR code (over about 2,900 bytes)
 */
export function qrCode(doc: Document, text: string, label: string): QrCode {
  const code = generate(text);
  const side = code.size + 2 * QUIET;
  const svg = doc.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'vitrine-qr');
  svg.setAttribute('viewBox', `0 0 ${side} ${side}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  const light = doc.createElementNS(SVG, 'rect');
  light.setAttribute('width', String(side));
  light.setAttribute('height', String(side));
  light.setAttribute('fill', '#fff');
  let d = '';
  for (let y = 0; y < code.size; y++) {
    for (let x = 0; x < code.size; x++) if (code.get(x, y)) d += `M${x + QUIET} ${y + QUIET}h1v1h-1z`;
  }
  const dark = doc.createElementNS(SVG, 'path');
  dark.setAttribute('d', d);
  dark.setAttribute('fill', '#000');
  svg.append(light, dark);
  return { svg, version: (code.size - 17) / 4 };
}
