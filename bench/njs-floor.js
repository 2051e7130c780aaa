/**
 * The floor for the CloudFront Function under njs: the least a viewer-request function that checks an HS256
 * cookie token can do — read the cookie, HMAC-SHA256 of the signing input, compare, decode and JSON.parse the
 * payload, rewrite the uri. Written for njs (ES5 plus what cloudfront-js-2.0 offers), run in the same njs
 * process as the gate by bench/njs.ts. No rule beyond the signature: everything the gate checks on top is
 * what the ratio measures.
 *
 * `__FLOOR_SECRET__` and `__FLOOR_COOKIE__` are replaced by the bench before the script runs.
 */
/* global __FLOOR_SECRET__, __FLOOR_COOKIE__ */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the runtime's own module, as CloudFront offers it
var floorCrypto = require('crypto');
var FLOOR_KEY = Buffer.from(__FLOOR_SECRET__, 'base64url');
var FLOOR_DENY = { statusCode: 401 };

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- called by the driver bench/njs.ts appends
function floorHandler(event) {
  var request = event.request;
  var token = request.cookies[__FLOOR_COOKIE__].value;
  var dot = token.lastIndexOf('.');
  var mac = floorCrypto.createHmac('sha256', FLOOR_KEY).update(token.slice(0, dot)).digest('base64url');
  if (mac !== token.slice(dot + 1)) return FLOOR_DENY;
  var claims = JSON.parse(Buffer.from(token.slice(token.indexOf('.') + 1, dot), 'base64url').toString());
  request.uri = '/tenants/' + claims.tid + request.uri;
  return request;
}
