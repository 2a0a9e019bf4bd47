// The playground's copy of the engine glue (www/pkg/, `make www`): the same API.
export * from '../engine/safedm.js';
export { default } from '../engine/safedm.js';
