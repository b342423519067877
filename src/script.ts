import { VitrineError } from './protocol/errors';

/**
 * Runs a classic script in the page: the in-thread engine, and the chunks loaded on demand.
 * @param url the script's URL
 * @returns resolves when it has run
 */
export function loadScript(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new VitrineError('engine-failed', `could not load ${url}`));
    document.head.appendChild(script);
  });
}
