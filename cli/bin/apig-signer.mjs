#!/usr/bin/env node
// The `apig-signer` command under its earlier name, for scripts that run it by path (the
// demo): the command itself is bin/apig-signer.cjs, what package.json's `bin` names.
import './apig-signer.cjs';
