// Type-level tests of the `sha256` option, compiled by `npm run typecheck`: they pass when they
// compile. The hash constructors of the AWS SDK's world plug in unchanged.
import { Sha256 as Sha256Js } from '@aws-crypto/sha256-js';
import { Sha256 as Sha256Universal } from '@aws-crypto/sha256-universal';
import { Hash } from '@smithy/hash-node';
import type { Checksum, ChecksumConstructor } from '@smithy/types';
import axios from 'axios';

import { apigSigner, attachApigSigner, presignUrl, signRequest } from '../../lib';
import type { Sha256Constructor } from '../../lib';

declare const sdkChecksum: ChecksumConstructor;

export const js: Sha256Constructor = Sha256Js;
export const universal: Sha256Constructor = Sha256Universal;
export const sdk: Sha256Constructor = sdkChecksum;
export const smithy: Sha256Constructor = Hash.bind(null, 'sha256');
export const instance: Checksum = new Sha256Js();

const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
apigSigner({ sha256: Sha256Js });
attachApigSigner(axios.create(), { sha256: Sha256Universal });
void signRequest({ url: 'https://example.com/', credentials, region: 'x', sha256: Sha256Js });
void presignUrl({ url: 'wss://example.com/', credentials, region: 'x', sha256: sdkChecksum });

// @ts-expect-error an instance is not a constructor
apigSigner({ sha256: new Sha256Js() });
