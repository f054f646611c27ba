import { defineErrorCodes } from '../../../errors/domain-codes';

/** The labels side of the returns domain: Sendcloud, the label and its download (spread into RETURNS_ERRORS). */
export const RETURN_LABEL_ERRORS = defineErrorCodes({
  sendcloud_not_configured: {
    kind: 'service_unavailable',
    description:
      'Sendcloud credentials are not set: SENDCLOUD_PUBLIC_KEY and SENDCLOUD_SECRET_KEY (labels), or a secret to verify its webhooks.',
  },
  sendcloud_rejected: {
    kind: 'unprocessable',
    description:
      'Sendcloud refused the return (validation or announcement); the fields it named are listed (`ship_with.shipping_option_code`, `parcel_items`, …).',
  },
  sendcloud_not_found: {
    kind: 'unprocessable',
    description: 'Sendcloud does not know the return or parcel IPAY asked about.',
  },
  sendcloud_unavailable: {
    kind: 'service_unavailable',
    description:
      'Sendcloud kept answering 429 or 5xx after every retry, refused the configured credentials, or did not answer.',
  },
  label_not_pdf: {
    kind: 'unprocessable',
    description:
      "The carrier's label is not a PDF (ZPL-only carriers): the IPAY overlay needs a PDF. The booked return is cancelled at Sendcloud (the detail says if that failed) and the case stays APPROVED: choose another shipping option.",
  },
  return_label_not_allowed: {
    kind: 'conflict',
    description: 'A label is made for an APPROVED return only (and once: later calls answer the label made).',
  },
  return_address_missing: {
    kind: 'unprocessable',
    description: 'The merchant has no return address in its return settings: the label has nowhere to go.',
  },
  return_label_not_found: {
    kind: 'not_found',
    description: 'No return with this token, or its label was not made yet.',
  },
});
