"""A stand-in operator gateway for the deploy-check tests (any class that is not the console's)."""


class RecordingGateway:
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))
