/**
 * The Noise Protocol Framework (revision 34), only as far as ZCC's key agreement needs it:
 * handshake pattern KK over X25519, SHA-256, and AES-GCM or ChaCha20-Poly1305 (DESIGN.md 5).
 *
 * <p>Handshake flow, in the order of the code:
 * <ol>
 *   <li>{@link net.zcc.agent.noise.HandshakeState} mixes the protocol name, the prologue and both
 *       static public keys into the handshake hash.
 *   <li>Message 1 (initiator writes, responder reads): ephemeral key, DH es and ss, payload.
 *   <li>Message 2 (responder writes, initiator reads): ephemeral key, DH ee and se, payload.
 *   <li>Split: a {@link net.zcc.agent.noise.NoiseTransport} per side, one CipherState per
 *       direction, and the final handshake hash.
 * </ol>
 * Every failure on malformed or forged input is a checked
 * {@link net.zcc.agent.noise.NoiseException}; secrets are wiped where the JCE lets us; no
 * {@code toString} prints key material. Byte-for-byte conformance is checked against the
 * cacophony test vectors ({@code src/test/resources/vectors/noise/}).
 */
package net.zcc.agent.noise;
