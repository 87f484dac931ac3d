// "Use my location" on the search box (directory/location.py): where the browser can give its position, a button
// asks for it, our server turns it into the nearest postcode, and the postcode goes in the box, ready to search.
// The box ([data-app-use-location]) is `hidden` in the HTML, so without JavaScript or geolocation the search works
// as it always does. What happens is said in the box's status line, which screen readers announce.
const COULD_NOT = "We could not get your location. Enter your postcode, or the name of your town or village";

function say(status, text) {
  status.textContent = text;
}

// {postcode} or {error}: the server's own words when it found none, ours when it could not be asked.
async function postcodeNear(url, coords) {
  const body = new URLSearchParams({
    latitude: coords.latitude.toFixed(4),
    longitude: coords.longitude.toFixed(4),
  });
  try {
    const response = await fetch(url, { method: "POST", body, signal: AbortSignal.timeout(10000) });
    const answer = await response.json();
    return answer.postcode ? answer : { error: answer.error || COULD_NOT };
  } catch {
    return { error: COULD_NOT };
  }
}

function start(box) {
  const input = document.getElementById(box.dataset.appUseLocation);
  const button = box.querySelector("button");
  const status = box.querySelector("[role=status]");
  if (!input || !button || !status) return;
  box.hidden = false;
  let busy = false;
  button.addEventListener("click", () => {
    if (busy) return;
    busy = true;
    say(status, "Finding your location…");
    navigator.geolocation.getCurrentPosition(
      async (position) => {
        const { postcode, error } = await postcodeNear(box.dataset.url, position.coords);
        if (postcode) {
          input.value = postcode;
          say(status, `Your nearest postcode is ${postcode}. Press Search to find services near it`);
        } else {
          say(status, error);
        }
        busy = false;
      },
      () => {
        say(status, COULD_NOT);
        busy = false;
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 },
    );
  });
}

export function startUseMyLocation() {
  if (!("geolocation" in navigator) || !window.fetch) return;
  document.querySelectorAll("[data-app-use-location]").forEach(start);
}
