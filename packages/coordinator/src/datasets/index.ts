export { Catalogue, type CatalogueCaller } from './catalogue.js';
export { DatasetBuilds } from './dataset-builds.js';
