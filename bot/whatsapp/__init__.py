"""The WhatsApp channel through Twilio: webhook, translation, channel, outbox sender and the REST client."""
