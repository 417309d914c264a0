export { LocalServingDriver, type LocalServingOptions } from './local-serving-driver.js';
