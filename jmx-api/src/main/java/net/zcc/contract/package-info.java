/**
 * The contract between the agent and the key server (and the console to come), written once.
 *
 * <p>Everything both sides must agree on byte for byte or name for name lives here and is
 * imported by both, so a change cannot reach one side only: the key id rule ({@link
 * net.zcc.contract.KeyId}) and the host name a client certificate carries ({@link
 * net.zcc.contract.ClientIdentity}); the relay's paths and frames ({@code relay}); the XML-RPC
 * method names, fault codes and response reader ({@code rpc}); the XML hardening ({@code xml});
 * PEM ({@code pem}); owner-only files ({@code files}); IP literals ({@code net}).
 *
 * <p>JDK only, and nothing of our other modules: each side, the console included, takes it
 * without taking anything else.
 */
package net.zcc.contract;
