// Preloaded into the Kinesis engine LocalStack starts (node kinesis-local, via NODE_OPTIONS):
// it listens on every interface and has no setting for the address, so bind what it asks
// for on all interfaces to the loopback address instead. Nothing else changes.
"use strict";
const net = require("net");

const LOOPBACK = "127.0.0.1";
const ANY = new Set([undefined, null, "", "0.0.0.0", "::"]);
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (first !== null && typeof first === "object" && !Array.isArray(first)) {
    if (first.path === undefined && ANY.has(first.host)) {
      args[0] = { ...first, host: LOOPBACK };
    }
  } else if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, callback])
    if (typeof args[1] !== "string" || ANY.has(args[1])) {
      if (typeof args[1] === "string") {
        args[1] = LOOPBACK;
      } else {
        args.splice(1, 0, LOOPBACK);
      }
    }
  }
  return listen.apply(this, args);
};
