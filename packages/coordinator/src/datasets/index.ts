export { DatasetBuilds } from './dataset-builds.js';
