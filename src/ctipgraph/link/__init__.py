"""Link: connect what one document says to other documents and to shared entities."""
