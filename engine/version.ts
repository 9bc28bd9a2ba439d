/** Engine version: part of every results digest, so a change in behaviour changes the digest. */
export const ENGINE_VERSION = "0.1.0";
