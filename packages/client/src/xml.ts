// Public entry of @iot-task/client/xml: the schema-driven XML reader the client loads on demand,
// for tools that read the API's XML themselves (the contract kit does).
export { decodeXml, decodeXmlBody } from './decodeXmlBody.ts';
export { parseXml, type XmlElement, XmlSyntaxError } from './parseXml.ts';
