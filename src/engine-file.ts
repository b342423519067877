/*
 * Why the engine's file did not run, in words a merchant's developer can act on. Read only once
 * the Workers have failed to start from it (in the stand-in chunk, dist/vitrine-stand-in.js):
 * the file is fetched once more to see what it answered, so that a missing file or a host that
 * answers HTML is named as such, and never run as a script in the page.
 */

/**
 * @param url the engine's file, absolute
 * @returns what is wrong with it and how to fix it, or undefined when it is served as JavaScript
 */
export async function engineFileProblem(url: string): Promise<string | undefined> {
  const { origin, pathname } = new URL(url);
  const where = origin === location.origin ? pathname : url;
  let answer: string;
  try {
    // From the HTTP cache when it is there: the script that may run next is then not fetched twice.
    const response = await fetch(url, { credentials: 'omit' });
    const type = response.headers.get('Content-Type')?.split(';')[0] || 'no Content-Type';
    if (response.ok && /javascript|ecmascript/i.test(type)) return undefined;
    answer = response.ok ? `${type}, not JavaScript` : `${response.status} (${type})`;
  } catch {
    // Another origin that allows no reading (no CORS), or no answer: running it will tell.
    return undefined;
  }
  const file = pathname.slice(pathname.lastIndexOf('/') + 1);
  return `${where} answered ${answer}: host ${file} next to vitrine.js, or set workerUrl to where it is`;
}
