// Progressive enhancement: the report page shows the place as text and a link; with Leaflet, a map too.
(function () {
  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") { return; }
  var lat = parseFloat(element.dataset.lat), lng = parseFloat(element.dataset.lng);
  if (isNaN(lat) || isNaN(lng)) { return; }
  element.classList.add("with-map");
  var map = L.map(element, { scrollWheelZoom: false }).setView([lat, lng], 17);
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, {
      maxZoom: 19,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    }).addTo(map);
  }
  L.marker([lat, lng]).addTo(map);
}());
