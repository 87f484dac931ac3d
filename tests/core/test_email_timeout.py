"""A mail server that accepts the connection and then says nothing does not hold the request for ever."""

import socket
import threading

from django.core.mail import get_connection, send_mail


def test_a_mail_server_that_hangs_is_given_up_on():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections (the kernel does), never sends a greeting
    outcome = []

    def send():
        connection = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1",
                                    port=silent.getsockname()[1], use_tls=False)
        try:
            send_mail("Subject", "Body", "from@example.org", ["to@example.org"], connection=connection)
        except Exception as error:  # noqa: BLE001 - what the caller would see
            outcome.append(error)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    sender.join(timeout=30)
    silent.close()

    assert not sender.is_alive(), "still waiting on a mail server that never answers"
    assert outcome and "timed out" in str(outcome[0])
