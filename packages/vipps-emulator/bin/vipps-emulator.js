#!/usr/bin/env node
// The emulator ships as TypeScript sources (it is a development tool, never built into an image
// of the app), so its command compiles them on load with tsx.
'use strict';
require('tsx/cjs/api').register();
require('../src/main.ts').runEmulatorCommand();
