// The AWS SDK warns once per process that its releases after January 2027 need Node 22; the
// lockfile pins a release that runs on this project's Node 20.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
