import { startApp } from './start-app.js';

startApp();
