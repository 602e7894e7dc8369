import { fileURLToPath } from 'node:url';

/** The project folder, so defaults work whatever the current directory is. */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));
